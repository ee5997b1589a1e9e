"""license-check: may this AI/ML repository be adopted commercially?"""

__version__ = "0.1.0"
