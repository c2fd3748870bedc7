"""What a headless Chromium does with a built deck: screenshots, PDFs and the checks of what it shows."""
