//! Browser tests in real headless Chromium: see the module's body.
