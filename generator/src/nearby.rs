//! Nearby resources: one r-tree over every resource that can be recommended, queried
//! once per resource page for the k nearest places of *other* categories.
//!
//! Why the tree is built once with `RTree::bulk_load`: r-trees suit many queries and few
//! insertions, and bulk loading gives a better-balanced tree than inserting one by one.
//! Why points are 3-D unit vectors rather than (lon, lat): Euclidean distance between
//! points on the unit sphere (the chord) grows monotonically with the great-circle
//! distance, so nearest-neighbour order is exact anywhere in Japan, even for a
//! nationwide corpus where a flat projection around one centre would distort.

use rstar::{AABB, PointDistance, RTree, RTreeObject};

use crate::model::LatLon;

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Walking speed used for "徒歩N分": 80 m per minute, the figure Japanese real-estate
/// listings are required to use (不動産の表示に関する公正競争規約).
pub const WALK_M_PER_MIN: f64 = 80.0;

#[derive(Debug, Clone, Copy)]
struct Entry {
    xyz: [f64; 3],
    /// Index into the caller's resource list.
    item: usize,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 3]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.xyz)
    }
}

impl PointDistance for Entry {
    fn distance_2(&self, point: &[f64; 3]) -> f64 {
        let d = [
            self.xyz[0] - point[0],
            self.xyz[1] - point[1],
            self.xyz[2] - point[2],
        ];
        d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
    }
}

fn to_xyz(p: LatLon) -> [f64; 3] {
    let (lat, lon) = (p.lat.to_radians(), p.lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// Great-circle distance in metres (haversine).
pub fn distance_m(a: LatLon, b: LatLon) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// Walking minutes at [`WALK_M_PER_MIN`], rounded up, at least 1.
pub fn walking_minutes(metres: f64) -> u32 {
    ((metres / WALK_M_PER_MIN).ceil() as u32).max(1)
}

/// "350 m" below 1 km, "1.2 km" above.
pub fn format_distance(metres: f64) -> String {
    if metres < 1000.0 {
        format!("{} m", ((metres / 10.0).round() * 10.0) as u32)
    } else {
        format!("{:.1} km", metres / 1000.0)
    }
}

/// One neighbour found by [`NearbyIndex::nearest`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    pub item: usize,
    pub metres: f64,
}

pub struct NearbyIndex {
    tree: RTree<Entry>,
    points: Vec<Option<LatLon>>,
}

impl NearbyIndex {
    /// `points[i]` is item i's location; `None` items are never returned.
    pub fn new(points: Vec<Option<LatLon>>) -> Self {
        let entries = points
            .iter()
            .enumerate()
            .filter_map(|(item, p)| {
                p.map(|p| Entry {
                    xyz: to_xyz(p),
                    item,
                })
            })
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
            points,
        }
    }

    /// The `k` nearest items to item `of` (never itself) that `accept` lets through and
    /// that lie within `max_m` metres, nearest first. At most `scan` candidates are
    /// examined so that a dense cluster of rejected items cannot make one query slow.
    pub fn nearest(
        &self,
        of: usize,
        k: usize,
        max_m: f64,
        scan: usize,
        mut accept: impl FnMut(usize) -> bool,
    ) -> Vec<Neighbour> {
        let Some(origin) = self.points.get(of).copied().flatten() else {
            return Vec::new();
        };
        let q = to_xyz(origin);
        let mut out = Vec::with_capacity(k);
        for e in self.tree.nearest_neighbor_iter(&q).take(scan) {
            if e.item == of {
                continue;
            }
            let p = self.points[e.item].expect("indexed items have a point");
            let metres = distance_m(origin, p);
            if metres > max_m {
                break;
            }
            if accept(e.item) {
                out.push(Neighbour {
                    item: e.item,
                    metres,
                });
                if out.len() == k {
                    break;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lat: f64, lon: f64) -> Option<LatLon> {
        Some(LatLon { lat, lon })
    }

    #[test]
    fn nearest_excludes_self_orders_by_distance_and_filters() {
        // Toyoake city hall and points roughly 100 m, 300 m, 2 km away.
        let idx = NearbyIndex::new(vec![
            p(35.0505, 137.0128),
            p(35.0514, 137.0128),
            p(35.0532, 137.0128),
            None,
            p(35.0685, 137.0128),
        ]);
        let got = idx.nearest(0, 3, 5_000.0, 100, |_| true);
        assert_eq!(
            got.iter().map(|n| n.item).collect::<Vec<_>>(),
            vec![1, 2, 4]
        );
        assert!((got[0].metres - 100.0).abs() < 2.0, "{}", got[0].metres);
        let got = idx.nearest(0, 3, 5_000.0, 100, |i| i != 1);
        assert_eq!(got.iter().map(|n| n.item).collect::<Vec<_>>(), vec![2, 4]);
        let got = idx.nearest(0, 3, 1_000.0, 100, |_| true);
        assert_eq!(got.len(), 2, "the 2 km point is beyond max_m");
        assert!(idx.nearest(3, 3, 5_000.0, 100, |_| true).is_empty());
    }

    #[test]
    fn distance_formatting_and_walking_time() {
        assert_eq!(format_distance(347.0), "350 m");
        assert_eq!(format_distance(1234.0), "1.2 km");
        assert_eq!(walking_minutes(400.0), 5);
        assert_eq!(walking_minutes(401.0), 6);
        assert_eq!(walking_minutes(10.0), 1);
    }
}
