# Copyright 2023 The EmbedKit Authors
# SPDX-License-Identifier: Apache-2.0
"""Sentence embedding helpers."""

DIM = 384
