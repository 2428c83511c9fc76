"""The fixed facts the model is built from: the border's geography (:mod:`.geography`, ``data/geography.toml``) and
the bibliography its parameters cite (:mod:`.references`). Both import nothing of the package."""
