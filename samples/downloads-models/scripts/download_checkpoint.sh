#!/bin/sh
# Fetches the example checkpoint used by the tutorial.
wget https://example.org/tiny-tuner/checkpoints/tiny-tuner-v1.tar.gz
