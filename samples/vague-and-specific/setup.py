from setuptools import setup

setup(
    name="vague-demo",
    version="0.1",
    classifiers=["License :: Other/Proprietary License"],
)
