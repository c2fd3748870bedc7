"""Writing what a reader gets: the site folder, the talks index, blog posts and the CI workflow."""
