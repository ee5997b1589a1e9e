# Copyright (c) 2020, Example Corp. All rights reserved.
"""Example package."""
