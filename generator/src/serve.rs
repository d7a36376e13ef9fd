//! `tsunagu serve`: build, serve portal and workspace on 127.0.0.1, rebuild on change
//! (owned by the pipeline work; the workspace Router is mounted from `tsunagu-edge`).
