#!/usr/bin/env python3
"""Derives towns-aichi.tsv from the Geolonia 住所データ (CC BY 4.0, credit Geolonia).

Input: ../shared/data/addresses-geolonia-aichi/api/ja/愛知県/*.json (one array of
{town, koaza, lat, lng} per 市区町村). Output: the representative point of every 町字
(the entry with an empty 小字; the mean of its 小字 points when that entry is missing),
grouped by 市区町村 to keep the file small:
    @市区町村
    町字 TAB lat TAB lng
Coordinates are rounded to 6 decimals. Run from the repository root:
    python3 generator/data/make-towns-aichi.py > generator/data/towns-aichi.tsv
"""
import glob, json, os, sys

src = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/addresses-geolonia-aichi/api/ja/愛知県"
out = sys.stdout
out.write("# Geolonia 住所データ https://github.com/geolonia/japanese-addresses (CC BY 4.0, Geolonia). 愛知県の町字の代表点。make-towns-aichi.py で生成\n")
for path in sorted(glob.glob(os.path.join(src, "*.json"))):
    city = os.path.basename(path)[:-5]
    towns = {}
    for e in json.load(open(path, encoding="utf-8")):
        if e["lat"] is None or e["lng"] is None:
            continue  # a few 小字 have no point; their 町字 still has one
        t = towns.setdefault(e["town"], {"own": None, "pts": []})
        if e["koaza"] == "":
            t["own"] = (e["lat"], e["lng"])
        else:
            t["pts"].append((e["lat"], e["lng"]))
    out.write("@%s\n" % city)
    for name in sorted(towns):
        t = towns[name]
        lat, lng = t["own"] or (sum(p[0] for p in t["pts"]) / len(t["pts"]), sum(p[1] for p in t["pts"]) / len(t["pts"]))
        out.write("%s\t%.6f\t%.6f\n" % (name, lat, lng))
