"""Discord's limits that the fact base must fit, so validation can hold data to them."""

# Embed and message limits (Discord API documentation; see knowledge/README.md).
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FIELD_NAME_MAX = 256
EMBED_FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
EMBED_FIELDS_MAX = 25
EMBEDS_MAX = 10
MESSAGE_CONTENT_MAX = 2000
CHOICE_MAX = 100
CHOICES_PER_AUTOCOMPLETE = 25

# Fact-base limits derived from them: an answer plus its date line must fit a description;
# a quote plus its source line must fit one embed field; a question is an autocomplete choice.
ANSWER_MAX = 3500
QUOTE_MAX = 900
PHRASING_MAX = 200
SUMMARY_MAX = 1000

# How many items a fact's lists may hold: one limit for validation and moderators' edits (a fact
# that validates can always be edited).
PHRASINGS_MAX = 50
# The phrasings, one a line, fill one text input of the edit form (Discord: 4000 characters):
# more would be cut when the form opens, and Save would keep the cut list.
PHRASINGS_TEXT_MAX = 4000
BRANDS_MAX = 20
CITATIONS_MAX = 20
