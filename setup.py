"""Which packages the wheel holds; everything else is in pyproject.toml.

frontend/ stays at the top of the repository, where the pages are edited, and ships inside
the package as directory.frontend, where an installed app finds it (directory/pages/).
"""

from setuptools import find_namespace_packages, setup

FRONTEND = ["directory.frontend",
            *(f"directory.frontend.{name}" for name in find_namespace_packages("frontend"))]

setup(
    packages=find_namespace_packages(include=["directory", "directory.*"]) + FRONTEND,
    package_dir={"directory.frontend": "frontend"},
)
