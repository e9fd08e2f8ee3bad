"""The closed word lists the reader holds a question against: operator words and other languages.

`operators` maps the words that narrow, flip or move a question's meaning (only, not, before,
will, both…) to what they do; `language` tells a question written in another language.
"""
