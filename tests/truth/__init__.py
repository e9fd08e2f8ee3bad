"""Truth tests (issue #17): probe questions over a fact base, judged against its records."""
