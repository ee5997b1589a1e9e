#!/bin/bash
# Copyright 2021 DeepMind Technologies Limited
# SPDX-License-Identifier: Apache-2.0
#
# Downloads and unzips the AlphaFold parameters.
set -e
DOWNLOAD_DIR="$1"
ROOT_DIR="${DOWNLOAD_DIR}/params"
SOURCE_URL="https://storage.googleapis.com/alphafold/alphafold_params_2021-07-14.tar"
mkdir --parents "${ROOT_DIR}"
aria2c "https://storage.googleapis.com/alphafold/alphafold_params_2021-07-14.tar" --dir="${ROOT_DIR}"
tar --extract --verbose --file="${ROOT_DIR}/alphafold_params_2021-07-14.tar" --directory="${ROOT_DIR}"
