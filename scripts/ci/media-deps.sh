#!/usr/bin/env bash
# Installs Debian's ffmpeg (ffmpeg and ffprobe: video, audio, animated GIF and AVIF uploads)
# when missing; the media tests then run for real (scripts/test sets PALISADE_REQUIRE_FFMPEG).
# `--no-install-recommends` keeps it to the libraries ffmpeg needs (about a minute).
set -euo pipefail
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "media-deps: ffmpeg is missing; install it (apt-get install ffmpeg) or video tests fail" >&2
  exit 1
fi
echo "installing ffmpeg" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends ffmpeg >&2
