//! R2 implementation of [`Blobs`] (Workers only): attachments live in the bucket bound as
//! `ATTACHMENTS`, with their content type kept as R2 HTTP metadata.
//!
//! As with D1, the bucket handle and its futures are JS objects (`!Send`); they are
//! wrapped in `SendWrapper`/`SendFuture`, sound because a Worker isolate is single-threaded.

use worker::send::{SendFuture, SendWrapper};
use worker::{Bucket, HttpMetadata};

use crate::blobs::{Blob, BlobError, Blobs};
use crate::store::BoxFut;

pub struct R2Blobs {
    bucket: SendWrapper<Bucket>,
}

impl R2Blobs {
    pub fn new(bucket: Bucket) -> Self {
        R2Blobs {
            bucket: SendWrapper::new(bucket),
        }
    }
}

fn r2_err(key: &str, e: worker::Error) -> BlobError {
    BlobError::Backend(format!("R2 object {key}: {e}"))
}

impl Blobs for R2Blobs {
    fn put<'a>(&'a self, key: &'a str, blob: Blob) -> BoxFut<'a, Result<(), BlobError>> {
        Box::pin(SendFuture::new(async move {
            let meta = HttpMetadata {
                content_type: Some(blob.content_type),
                ..HttpMetadata::default()
            };
            self.bucket
                .put(key, blob.bytes)
                .http_metadata(meta)
                .execute()
                .await
                .map_err(|e| r2_err(key, e))?;
            Ok(())
        }))
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFut<'a, Result<Option<Blob>, BlobError>> {
        Box::pin(SendFuture::new(async move {
            let Some(object) = self
                .bucket
                .get(key)
                .execute()
                .await
                .map_err(|e| r2_err(key, e))?
            else {
                return Ok(None);
            };
            let content_type = object
                .http_metadata()
                .content_type
                .unwrap_or_else(|| "application/octet-stream".to_owned());
            let Some(body) = object.body() else {
                return Err(BlobError::Backend(format!("R2 object {key}: no body")));
            };
            let bytes = body.bytes().await.map_err(|e| r2_err(key, e))?;
            Ok(Some(Blob {
                content_type,
                bytes,
            }))
        }))
    }
}
