//! Coordinates: inside Japan, and a hint when latitude and longitude were swapped.

/// Japan's extent with a margin: 沖ノ鳥島 (20.4°N) to 択捉島 (45.6°N), 与那国島
/// (122.9°E) to 南鳥島 (153.98°E).
const LAT: std::ops::RangeInclusive<f64> = 20.0..=46.0;
const LON: std::ops::RangeInclusive<f64> = 122.0..=154.0;

pub fn check_point(lat: f64, lon: f64) -> Result<(), String> {
    if LAT.contains(&lat) && LON.contains(&lon) {
        return Ok(());
    }
    if LAT.contains(&lon) && LON.contains(&lat) {
        return Err(format!(
            "緯度と経度が入れ替わっているようです（lat: {lat}, lon: {lon}）。lat に {lon}、lon に {lat} を書いてください。"
        ));
    }
    Err(format!(
        "日本の範囲外の座標です（lat: {lat}, lon: {lon}）。緯度は20〜46、経度は122〜154の範囲で、世界測地系（WGS84）の度で書いてください。"
    ))
}

/// Great-circle distance (haversine, mean Earth radius) in kilometres.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::check_point;

    #[test]
    fn swapped_points_are_named() {
        assert!(check_point(35.05, 137.01).is_ok());
        assert!(
            check_point(137.01, 35.05)
                .unwrap_err()
                .contains("入れ替わって")
        );
        assert!(check_point(0.0, 0.0).unwrap_err().contains("範囲外"));
    }

    #[test]
    fn distances() {
        // 豊明市役所 to 名古屋駅: about 18 km.
        let d = super::distance_km(35.0527, 137.0128, 35.1709, 136.8815);
        assert!((d - 17.7).abs() < 1.0, "{d}");
    }
}
