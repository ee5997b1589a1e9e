# Copyright 2021 DeepMind Technologies Limited
# SPDX-License-Identifier: Apache-2.0
"""An implementation of the inference pipeline of AlphaFold v2.0."""
