# Copyright 2021 AlQuraishi Laboratory
# SPDX-License-Identifier: Apache-2.0
"""Protein structure prediction."""
