#!/bin/bash
# Downloads the pretrained parameters (CC BY 4.0, see README.md).
set -e
DOWNLOAD_DIR="${1:-resources/params}"
mkdir -p "${DOWNLOAD_DIR}"
wget -P "${DOWNLOAD_DIR}" https://example-bucket.s3.amazonaws.com/openfold_params/finetuning_ptm_2.pt
