from setuptools import find_packages, setup

setup(
    name="embedkit",
    version="0.4.1",
    packages=find_packages("src"),
    package_dir={"": "src"},
    license="Apache License 2.0",
    classifiers=["License :: OSI Approved :: Apache Software License"],
)
