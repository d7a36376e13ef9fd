#!/usr/bin/env bash
# Publishes the latest automated accessibility results (docs/a11y-results.md, written by
# every run of tests/browser/run.sh) as the site's 試験結果 page,
# content/pages/accessibility-results.md → /accessibility-results/.
# Run it after the browser suite when you want the published page to follow; the test
# run itself never edits content/.
set -euo pipefail
cd "$(dirname "$0")/.."
src=docs/a11y-results.md
[ -f "$src" ] || { echo "$src がありません。先に tests/browser/run.sh を実行してください。" >&2; exit 1; }
{
  echo '---'
  echo 'title: アクセシビリティ試験結果'
  echo 'description: このサイトのウェブアクセシビリティ（JIS X 8341-3:2016 / WCAG 2.2）の自動試験の結果です。'
  echo 'order: 31'
  echo '---'
  # Drop the document's own h1 (the page title is the h1) and the note meant for developers.
  sed -e '1{/^# /d}' -e '/手で編集しないでください/d' "$src"
} > content/pages/accessibility-results.md
echo "content/pages/accessibility-results.md を更新しました。"
