"""UTF-8 text shown as Big5 (``蝜�擃�`` is 繁體): encoded as Big5 again and decoded as UTF-8.

Big5 has no characters for many UTF-8 byte pairs, so such text is full of ``�``, each a byte the decoder
dropped; see :mod:`pipeline.normalize.misread` for how they are restored or the run left as read.
"""

from pipeline.normalize.misread import (Family, everyday_characters, mostly_utf8_shown_as, rare_characters,
                                       utf8_shown_as)

FAMILY = Family("mojibake_big5", "Big5", utf8_shown_as("big5"), rare_characters, everyday_characters,
                mostly_utf8_shown_as("big5"))
