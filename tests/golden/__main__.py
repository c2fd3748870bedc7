from . import regenerate

regenerate()
