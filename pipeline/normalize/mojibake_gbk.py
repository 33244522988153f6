"""UTF-8 text shown as GBK (``浠ｇ爜澶у叏`` is 代码大全): encoded as GBK again and decoded as UTF-8.

Pages that served UTF-8 bytes under a GBK label, and copies made from them, carry it; see
:mod:`pipeline.normalize.misread` for how runs are found, judged and restored.
"""

from pipeline.normalize.misread import (Family, everyday_characters, mostly_utf8_shown_as, rare_characters,
                                       utf8_shown_as)

FAMILY = Family("mojibake_gbk", "GBK", utf8_shown_as("gbk"), rare_characters, everyday_characters,
                mostly_utf8_shown_as("gbk"))
