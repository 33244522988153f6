"""HTML left in mirror text: tags, tags that lost their '<', and entities; prose left alone."""

from __future__ import annotations

import pytest

from pipeline.normalize.html_remnants import repair


@pytest.mark.parametrize("text, expected", [
    ("海口/p> | 0.782 |", "海口 | 0.782 |"),
    ("智慧城市/p>", "智慧城市"),
    ('智慧城市br style="margin: 0px auto; padding: 0px;"/>第三系列', "智慧城市 第三系列"),
    ("第一行<br/>第二行", "第一行 第二行"),
    ("<p>段落</p>", "段落"),
    ("甲&nbsp;乙&amp;丙", "甲 乙&丙"),
])
def test_remnants_removed(text, expected):
    fixed, repairs = repair(text, 3)
    assert fixed == expected
    assert repairs and all(r.line == 3 for r in repairs)


@pytest.mark.parametrize("text", ["x < y 且 a/b>c", "Tahaoo SMILE指数", "&未知;", "3/p 与 4>2", "若 a<b 且 c>d 則成立",
                                  "条件 x<p 且 y>q"])
def test_prose_left_alone(text):
    assert repair(text, 1) == (text, [])


@pytest.mark.parametrize("text, expected", [
    ("前&lt;br&gt;後", "前 後"),  # a tag an entity spelt
    ("&amp;nbsp;", " "),  # escaped twice
    ("甲&amp;amp;乙", "甲&乙"),
    ("前<b<br>r>後", "前後"),  # a tag inside a tag: <b r>, text-level
    ('<p class=intro title="首页">段落</p>', "段落"),
])
def test_one_pass_leaves_nothing_for_a_second(text, expected):
    fixed, _ = repair(text, 1)
    assert fixed == expected
    assert repair(fixed, 1) == (fixed, [])


def test_an_entity_for_a_line_break_keeps_the_line_one_line():
    assert repair("前&#10;後&#13;完", 1)[0] == "前 後 完"


@pytest.mark.parametrize("text, expected", [
    ('<strong>重点</strong>城市<span class="x">名单</span>', "重点城市名单"),  # text-level tags: nothing
    ('排名第<b>1</b>位的是<a href="http://x.cn/a?b=1">深圳市</a>', "排名第1位的是深圳市"),
    ("<td>深圳</td><td>广东</td>", "深圳 广东"),  # a run of tags is one separator
    ("甲</p><p>乙", "甲 乙"),
    ("正文<!-- 广告 -->继续", "正文继续"),
    ("深圳&nbsp;市&nbsp市", "深圳 市 市"),  # the ';' left out, as pages do
    ("零宽&#8203;字&#65279;符&shy;号", "零宽字符号"),  # invisible characters: nothing
])
def test_text_level_tags_comments_and_invisible_characters(text, expected):
    assert repair(text, 1)[0] == expected


@pytest.mark.parametrize("text, expected", [
    ("R&amp;amp;D投入&amp;nbsp;增加", [(2, "&amp;amp;", "&"), (14, "&amp;nbsp;", " ")]),
    ("前&lt;br&gt;後", [(2, "&lt;br&gt;", " ")]),
    ("前<b<br>r>後", [(2, "<b<br>r>", "")]),
])
def test_a_change_made_of_an_earlier_one_is_one_change_of_the_text_as_read(text, expected):
    """A page escaped twice is undone in passes; the record is the text as read and what it became,
    so each record's text is found at its column."""
    _, repairs = repair(text, 1)
    assert [(r.column, r.before, r.after) for r in repairs] == expected
    assert all(text[r.column - 1:r.column - 1 + len(r.before)] == r.before for r in repairs)


def test_a_tag_in_a_code_span_or_block_is_text():
    """A text that names a tag in a code span or shows markup in a fenced block writes about HTML:
    those stay; where a tag lost its '<' (a page's markup, damaged), markup outside code goes, and one
    decision record counts both."""
    from pipeline.normalize import normalize_lines

    lines = ["以前要用`<table>`标签来做排版，现在用`&nbsp;`的人也少了", "```html", "<p>示例</p>", "```",
             "正文<br>继续/p>"]
    fixed, records = normalize_lines(lines, explain=True)
    assert fixed == lines[:4] + ["正文 继续"]
    decision, *removed = records
    assert (decision.kind, decision.line, decision.before) == ("evidence", 5, "<br>")
    assert "2 tag(s)" in decision.reason and "4 inside code" in decision.reason and decision.reason.endswith("applied")
    assert [(r.kind, r.line, r.before) for r in removed] == [("html_remnant", 5, "<br>"), ("html_remnant", 5, "/p>")]
    only_code = normalize_lines(lines[:1], explain=True)
    assert only_code[0] == lines[:1] and "not applied" in only_code[1][0].reason


def test_a_markdown_documents_own_html_stays():
    """Markdown allows raw HTML: a README's centred header, a table cell's line break. Its code spans
    and links show it is markdown; with no tag that lost its '<', none of its markup is a page's."""
    from pipeline.normalize import normalize_lines

    readme = ['<p align="center">', '  <img src="logo.png" width="120">', "  <h1>小工具</h1>", "</p>",
              "| 参数 | 说明 |", "|---|---|", "| `-o` | 输出目录<br>默认为当前目录 |", "详见[文档](docs/usage.md)。"]
    fixed, records = normalize_lines(readme, explain=True)
    assert fixed == readme
    decision, = records
    assert decision.reason.endswith("the document is markdown (code, links), whose HTML its author wrote, and no "
                                    "tag lost its '<': kept; not applied: the document does not show the damage")
    # without markdown of its own, a page's markup; an indented tag standing alone is named, not formatting
    assert normalize_lines(readme[:4])[0] == ["", readme[1], "  小工具", ""]


@pytest.mark.parametrize("text", ["H<sub>2</sub>O 与 SO<sub>4</sub><sup>2-</sup>", "面积 30 m<sup>2</sup>"])
def test_subscripts_and_superscripts_stay(text):
    """Without its tags SO<sub>4</sub><sup>2-</sup> reads SO42-, another formula; they carry meaning."""
    from pipeline.normalize import normalize_lines

    assert normalize_lines([text, "重点</strong>城市"])[0][0] == text


@pytest.mark.parametrize("text", ["What?:/a>?", "问?<b>:</b>答", "甲?&#58;乙", "甲&#63;!乙", "?:<br>?"])
def test_markup_whose_removal_would_make_byte_damage_stays(text):
    """Removing the tag or entity would put '?' before a shift mark (?:?, ?:), a pattern the byte-damage
    repair would read on a second pass: the markup stays and is flagged, so one pass is all it takes."""
    from pipeline.normalize.gbk_shift import DAMAGE_SITE

    fixed, repairs = repair(text, 1)
    assert len(DAMAGE_SITE.findall(fixed)) == len(DAMAGE_SITE.findall(text)) and repair(fixed, 1)[0] == fixed
    assert any(r.before == r.after and r.reason.startswith("flagged") for r in repairs)


def test_tags_and_entities_a_text_names_stay_unless_the_document_shows_markup():
    """A text about HTML names tags and entities with spaces beside them: none is a closing tag, a tag
    that lost its '<' or markup set between two characters, so the document shows no page markup and
    nothing changes (one decision record says so). One closing tag shows a page's markup: then every
    tag and entity of the document goes but those standing as words, between spaces or marks (``直接写
    <p> 不行``, ``要显示 &lt;p&gt; 这几个字``), which a page's markup never is."""
    from pipeline.normalize import normalize_lines

    prose = ["在 HTML 中，<p> 标签表示段落，<br> 表示换行。", "输出 &lt; 符号；网页里写作 &amp;lt;。",
             '使用 <div class="x"> 包裹内容。']
    fixed, records = normalize_lines(prose, explain=True)
    assert fixed == prose
    decision, = records
    assert (decision.kind, decision.line, decision.column, decision.before) == ("evidence", 2, 18, "&amp;")
    assert "1 tag(s)" in decision.reason and decision.reason.endswith("not applied: the document does not show the damage")
    page = prose + ["重点</strong>城市"]
    fixed, records = normalize_lines(page, explain=True)
    assert fixed == prose[:1] + ["输出 &lt; 符号；网页里写作 &lt;。"] + prose[2:] + ["重点城市"]
    assert records[0].reason.endswith("; applied")


@pytest.mark.parametrize("line", ["城市&nbsp;数字", "段落内容<br>", "<p>第一段", "海口/p> | 0.782 |", "是什么?/p> 下一段"])
def test_markup_set_between_characters_shows_a_page(line):
    from pipeline.normalize import normalize_lines

    fixed, records = normalize_lines([line], explain=True)
    assert fixed != [line] and records[0].reason.endswith("; applied")


def test_fenced_blocks_are_found_wherever_their_fences_stand():
    """A fence starts its line, after at most three spaces, with ``` or ~~~ (four backticks too); a
    line with four spaces or text before the backticks is no fence. Markup inside a block stays; the
    last block, left open, runs to the end of the document. (A tag that lost its '<' shows a page's
    markup, damaged: the markup outside the blocks goes.)"""
    from pipeline.normalize import normalize_lines

    lines = ["正文<br>一/p>", "   ```", "<p>块一</p>", "```", "正文<br>二", "    ```", "<b>不在块中</b>文",
             "说明 a```", "~~~~", "<p>块二</p>", "~~~", "````", "<p>未关闭</p>"]
    fixed, _ = normalize_lines(lines)
    assert fixed == ["正文 一", "   ```", "<p>块一</p>", "```", "正文 二", "    ```", "不在块中文", "说明 a```",
                     "~~~~", "<p>块二</p>", "~~~", "````", "<p>未关闭</p>"]


@pytest.mark.parametrize("line, may", [("> 引文", False), ("a -> b", False), ("见 https://x.cn/a > b", True),
                                       ("R&D", True), ("<p>", True), ('img src="x">', True), ("无标记", False)])
def test_a_line_is_read_for_markup_only_where_markup_could_be(line, may):
    """A tag ends in '>' after a '<', a '/' or an attribute's '="'; an entity starts with '&'. A
    markdown quote or an arrow holds a '>' alone and is passed over."""
    from pipeline.normalize.html_remnants import may_hold_markup

    assert may_hold_markup(line) is may


@pytest.mark.parametrize("line", ["若a>b>0，则1/a<1/b；反之若1/a>1/b，则a<b。", "dir /b>list.txt", "del *.tmp /s>nul"])
def test_a_slash_before_a_tag_name_after_ascii_is_no_remnant(line):
    """A remnant that lost its '<' follows a Chinese character, a mark the byte damage leaves or a
    line's start (``海口/p>``, ``???/p>``); after a digit, a letter or a space it is math or a command."""
    from pipeline.normalize import normalize_lines

    assert normalize_lines([line, "重点</strong>城市"])[0][0] == line


def test_a_type_parameter_is_no_tag_even_on_a_page():
    from pipeline.normalize import normalize_lines

    lines = ["Rust 中 Option<S> 表示可能为空的值，List<A> 是列表", "重点</strong>城市"]
    assert normalize_lines(lines)[0] == [lines[0], "重点城市"]


def test_a_closing_tag_with_spaces_on_both_sides_is_named_not_left():
    """``以 </p> 结束`` names the tag; ``海口</p> |`` is a page's cell (the tag against the text it closes)."""
    from pipeline.normalize import normalize_lines

    prose = ["在 HTML 中，段落以 <p> 开始，以 </p> 结束。"]
    assert normalize_lines(prose)[0] == prose
    assert normalize_lines(["| 海口</p> | 0.782 |"])[0] == ["| 海口 | 0.782 |"]


@pytest.mark.parametrize("line", ["直接写 <p> 不行", "要显示 &lt;p&gt; 这几个字", "HTML 里 <p>…</p> 表示段落。",
                                  "&nbsp; 是一个实体", "公式 a &lt; b &amp;&amp; b &gt; c", "用 <div class=\"x\"> 包裹",
                                  "换行要用“<br>”，或者「<p>」", "HTML里用<br>标签换行，<td>元素是单元格",
                                  "加粗可以用<b>，也可以用<strong>。"])
def test_markup_a_text_names_stays_even_on_a_page(line):
    """A page's markup sits against the text it formats or separates. A text names markup as a word
    (a space on one side, a space, a mark or the line's edge on the other; an element around an
    ellipsis counted whole), between quotes or brackets, before a word for markup (标签, 元素), or
    as an opening formatting tag with nothing to format after it."""
    from pipeline.normalize import normalize_lines

    fixed, _ = normalize_lines([line, "重点</strong>城市", "段落<p>…</p>结束"])
    assert fixed == [line, "重点城市", "段落 … 结束"]
