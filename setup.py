"""Only what pyproject.toml cannot say: the wheel's switcher/resources/ gets its data files
from the top-level resources/, so that folder stays the one copy."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_SUFFIXES = (".svg", ".desktop", ".xml")


class BuildPyWithResources(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads resources/ in the checkout
            return
        target = Path(self.build_lib, "switcher", "resources")
        target.mkdir(parents=True, exist_ok=True)
        for source in sorted(Path(__file__).resolve().parent.joinpath("resources").iterdir()):
            if source.suffix in DATA_SUFFIXES:
                self.copy_file(str(source), str(target / source.name))


setup(cmdclass={"build_py": BuildPyWithResources})
