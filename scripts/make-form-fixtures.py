#!/usr/bin/env python3
"""Builds fixtures/forms/from-pages/: bundled pages (fixtures/pages/) re-kept in the other forms
CDT archives come in, so a test can check that every form converts to the page's own body.

  WordPress JSON (a post, an API page of posts), Jekyll (YAML) and Hugo (TOML) posts wrapping a
  page, an RSS 2.0 and an Atom feed, a whole page saved with curl, and one saved by a browser
  as "Webpage, Complete" (NNN.html beside NNN_files/).

The shells follow the markup the CDT site and WordPress write (see the closing notes of the
archive-forms issue); the articles inside are the bundled pages, byte for byte. Run from the
repository root: python3 scripts/make-form-fixtures.py
"""

import html
import json
import os
import re
from datetime import datetime, timedelta, timezone

PAGES = "fixtures/pages"
OUT = "fixtures/forms/from-pages"


def read_page(name):
    with open(os.path.join(PAGES, name), encoding="utf-8") as f:
        text = f.read()
    ms = None
    m = re.match(r"<!--(\d{13})-->\n", text)
    if m:
        ms = int(m.group(1))
        text = text[m.end():]
    first, rest = text.split("\n", 1)
    rule, rest = rest.split("\n", 1)
    assert rule.startswith("---"), name
    i = first.rindex("](")
    headline, url = first[1:i], first[i + 2:-1]
    date_line = None
    lines = rest.split("\n", 2)
    if lines[0].startswith("日期："):
        date_line = lines[0][len("日期："):]
        rest = lines[1] + "\n" + lines[2] if len(lines) > 2 else ""
    return {"ms": ms, "headline": headline, "url": url, "date_line": date_line,
            "html": rest.lstrip("\n"), "raw": open(os.path.join(PAGES, name), encoding="utf-8").read()}


def utc(ms):
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def write(path, text):
    path = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def wp_json():
    seed = read_page("000_7bdf76efb00067fa.txt")
    when = utc(seed["ms"]).strftime("%Y-%m-%dT%H:%M:%SZ")
    post = {"id": 714996, "link": seed["url"], "date": when, "modified": when,
            # titles come HTML-escaped from WordPress
            "title": html.escape(seed["headline"], quote=False).replace("｜", "&#65372;"),
            "content": seed["html"], "author": 962, "categories": [18271], "tags": [46486]}
    write("wpjson/714996.json", json.dumps(post, ensure_ascii=False, separators=(",", ":")))
    posts = []
    for name, pid in [("391037.html", 391037), ("392399.html", 392399)]:
        page = read_page(name)
        gmt = utc(page["ms"])
        local = gmt + timedelta(hours=8)
        posts.append({"id": pid,
                      "date": local.strftime("%Y-%m-%dT%H:%M:%S"),
                      "date_gmt": gmt.strftime("%Y-%m-%dT%H:%M:%S"),
                      "link": page["url"],
                      "title": {"rendered": html.escape(page["headline"], quote=False)},
                      "content": {"rendered": page["html"], "protected": False},
                      "categories": [1], "tags": []})
    write("wpjson/posts-page-1.json", json.dumps(posts, ensure_ascii=False, indent=2) + "\n")


def wrapped():
    seed = read_page("000_7bdf76efb00067fa.txt")
    hugo = ("+++\n"
            f'title = "{seed["headline"]}"\n'
            "date = 2025-01-15T02:59:30Z\n"
            "draft = false\n"
            'tags = ["中国数字时代"]\n'
            "weight = 3\n"
            "[params]\n"
            'from = "cdt"\n'
            "+++\n")
    write("wrapped/714996-hugo.md", hugo + seed["raw"])
    page = read_page("399702.html")
    jekyll = ("---\n"
              "layout: post\n"
              f'title: "{page["headline"]}"\n'
              "date: 2020-07-02T18:28:24.000Z\n"
              "author: 大号冲塔\n"
              f"from: {page['url']}\n"
              "tags: [ 中国数字时代 ]\n"
              "categories: [ 中国数字时代 ]\n"
              "---\n")
    write("wrapped/399702-jekyll.md", jekyll + page["raw"])


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rss():
    items = []
    for name, pid, creator, categories in [
        ("399702.html", 399702, "大号冲塔", ["性别失调", "性别歧视", "消失的女孩", "重男轻女"]),
        ("401158.html", None, "老子到处说", ["中国哭墙"]),
    ]:
        page = read_page(name)
        guid = (f'<guid isPermaLink="false">https://chinadigitaltimes.net/chinese/?p={pid}</guid>'
                if pid else f'<guid isPermaLink="true">{page["url"]}</guid>')
        cats = "".join(f"\n\t\t<category>{cdata(c)}</category>" for c in categories)
        items.append(f"""	<item>
		<title>{html.escape(page["headline"], quote=False)}</title>
		<link>{page["url"]}</link>
		<comments>{page["url"]}#respond</comments>
		<dc:creator>{cdata(creator)}</dc:creator>
		<pubDate>{page["date_line"]}</pubDate>{cats}
		{guid}
		<description>{cdata(page["headline"] + " [&#8230;]")}</description>
		<content:encoded>{cdata(page["html"])}</content:encoded>
		<wfw:commentRss>{page["url"]}feed/</wfw:commentRss>
		<slash:comments>0</slash:comments>
	</item>""")
    # a link-only post: nothing in it but the feed's own footer
    items.append("""	<item>
		<title>链接：只有一个链接的文章</title>
		<link>https://chinadigitaltimes.net/chinese/662999.html</link>
		<dc:creator><![CDATA[CDT编辑]]></dc:creator>
		<pubDate>Wed, 10 Feb 2021 12:00:00 +0000</pubDate>
		<guid isPermaLink="false">https://chinadigitaltimes.net/chinese/?p=662999</guid>
		<content:encoded><![CDATA[<p>The post <a rel="nofollow" href="https://chinadigitaltimes.net/chinese/662999.html">链接：只有一个链接的文章</a> appeared first on <a rel="nofollow" href="https://chinadigitaltimes.net/chinese">中国数字时代</a>.</p>]]></content:encoded>
	</item>""")
    feed = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>

<channel>
	<title>中国数字时代</title>
	<atom:link href="https://chinadigitaltimes.net/chinese/feed" rel="self" type="application/rss+xml" />
	<link>https://chinadigitaltimes.net/chinese</link>
	<description>反映中国社会转型，展示全球视野</description>
	<lastBuildDate>Thu, 02 Jul 2020 18:30:00 +0000</lastBuildDate>
	<language>zh-CN</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<sy:updateFrequency>1</sy:updateFrequency>
	<generator>https://wordpress.org/?v=5.4.2</generator>
{chr(10).join(items)}
	</channel>
</rss>
"""
    write("feed/feed.xml", feed)
    page = read_page("400692.html")
    when = datetime.strptime(page["date_line"], "%a, %d %b %Y %H:%M:%S %z")
    atom = f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
	<title type="text">中国数字时代</title>
	<updated>{when.strftime("%Y-%m-%dT%H:%M:%SZ")}</updated>
	<link rel="alternate" type="text/html" href="https://chinadigitaltimes.net/chinese" />
	<id>https://chinadigitaltimes.net/chinese/feed/atom</id>
	<entry>
		<author><name>CDT编辑</name></author>
		<title type="html"><![CDATA[{page["headline"]}]]></title>
		<link rel="alternate" type="text/html" href="{page["url"]}" />
		<id>https://chinadigitaltimes.net/chinese/?p=400692</id>
		<updated>{when.strftime("%Y-%m-%dT%H:%M:%SZ")}</updated>
		<published>{when.strftime("%Y-%m-%dT%H:%M:%SZ")}</published>
		<summary type="html"><![CDATA[CDT编者按：本文在中国大陆被全网封杀。 [&#8230;]]]></summary>
		<content type="html" xml:base="{page["url"]}">{html.escape(page["html"], quote=False)}</content>
	</entry>
</feed>
"""
    write("feed/atom.xml", atom)


def shell(page, post_id, content, iso, date_text, categories, tags, head_extra=""):
    cats = "，".join(f'<a href="https://chinadigitaltimes.net/chinese/category/{c}" rel="category tag">{c}</a>' for c in categories)
    tag_links = "，".join(f'<a href="https://chinadigitaltimes.net/chinese/tag/{t}" rel="tag">{t}</a>' for t in tags)
    ld = json.dumps({"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": page["url"], "url": page["url"], "name": page["headline"]},
        {"@type": "Article", "headline": page["headline"], "datePublished": iso,
         "mainEntityOfPage": {"@id": page["url"]}}]}, ensure_ascii=False)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(page["headline"], quote=False)} &#8211; 中国数字时代</title>
<link rel="canonical" href="{page["url"]}" />
<meta property="og:locale" content="zh_CN" />
<meta property="og:type" content="article" />
<meta property="og:title" content="{html.escape(page["headline"])}" />
<meta property="og:url" content="{page["url"]}" />
<meta property="og:site_name" content="中国数字时代" />
<meta property="article:published_time" content="{iso}" />
<script type="application/ld+json" class="yoast-schema-graph">{ld}</script>
<link rel='stylesheet' id='theme-style-css' href='https://chinadigitaltimes.net/chinese/wp-content/themes/cdt/style.css' media='all' />
<script src='https://chinadigitaltimes.net/chinese/wp-includes/js/jquery/jquery.min.js'></script>{head_extra}
</head>
<body class="post-template-default single single-post postid-{post_id} single-format-standard">
<div id="page" class="site">
	<a class="skip-link screen-reader-text" href="#content">跳至内容</a>
	<header id="masthead" class="site-header">
		<div class="site-branding">
			<p class="site-title"><a href="https://chinadigitaltimes.net/chinese/" rel="home">中国数字时代</a></p>
			<p class="site-description">反映中国社会转型，展示全球视野</p>
		</div>
		<nav id="site-navigation" class="main-navigation">
			<ul id="primary-menu" class="menu"><li class="menu-item"><a href="https://chinadigitaltimes.net/chinese/">首页</a></li><li class="menu-item"><a href="https://chinadigitaltimes.net/space/">CDS</a></li><li class="menu-item"><a href="https://chinadigitaltimes.net/chinese/404-articles-archive">404文库</a></li></ul>
		</nav>
		<div class="header-search">
			<form role="search" method="get" class="search-form" action="https://chinadigitaltimes.net/chinese/">
				<label><span class="screen-reader-text">搜索：</span><input type="search" class="search-field" placeholder="搜索 &hellip;" value="" name="s" /></label>
				<input type="submit" class="search-submit" value="搜索" />
			</form>
		</div>
	</header>
	<div id="content" class="site-content">
	<div id="primary" class="content-area">
	<main id="main" class="site-main">
<article id="post-{post_id}" class="post-{post_id} post type-post status-publish format-standard hentry">
	<header class="entry-header">
		<h1 class="entry-title">{html.escape(page["headline"], quote=False)}</h1>
		<div class="entry-meta"><span class="posted-on"><a href="{page["url"]}" rel="bookmark"><time class="entry-date published" datetime="{iso}">{date_text}</time></a></span><span class="byline"> <span class="author vcard"><a class="url fn n" href="https://chinadigitaltimes.net/chinese/author/cdt">CDT编辑</a></span></span></div>
	</header>
	<div class="post-content entry-content">
{content}
	</div>
	<footer class="entry-footer">
		<span class="cat-links">所在分类：{cats}</span>
		<span class="tags-links">标签：{tag_links}</span>
	</footer>
</article>
<div class="related-posts">
	<h3 class="related-posts-title">相关文章</h3>
	<div class="related-posts-content"><ul>
		<li><a href="https://chinadigitaltimes.net/chinese/714000.html">另一篇相关的文章</a></li>
		<li><a href="https://chinadigitaltimes.net/chinese/713000.html">又一篇相关的文章</a></li>
	</ul></div>
</div>
<nav class="navigation post-navigation" aria-label="文章">
	<h2 class="screen-reader-text">文章导航</h2>
	<div class="nav-links"><div class="nav-previous"><a href="https://chinadigitaltimes.net/chinese/714995.html" rel="prev">上一篇文章</a></div><div class="nav-next"><a href="https://chinadigitaltimes.net/chinese/714997.html" rel="next">下一篇文章</a></div></div>
</nav>
<div id="comments" class="comments-area">
	<h2 class="comments-title">《{html.escape(page["headline"], quote=False)}》有1条评论</h2>
	<ol class="comment-list">
		<li id="comment-1" class="comment"><article id="div-comment-1" class="comment-body"><footer class="comment-meta"><b class="fn">读者</b> <time datetime="2025-01-16T08:00:00+00:00">2025年1月16日</time></footer><div class="comment-content"><p>一条读者评论。</p></div></article></li>
	</ol>
	<div id="respond" class="comment-respond">
		<h3 id="reply-title" class="comment-reply-title">发表回复</h3>
		<form action="https://chinadigitaltimes.net/chinese/wp-comments-post.php" method="post" id="commentform" class="comment-form"><p class="comment-form-comment"><label for="comment">评论</label> <textarea id="comment" name="comment"></textarea></p><p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="发表评论" /></p></form>
	</div>
</div>
	</main>
	</div>
	<aside id="secondary" class="widget-area">
		<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">近期文章</h2><ul><li><a href="https://chinadigitaltimes.net/chinese/714990.html">近期的一篇文章</a></li></ul></section>
		<section id="text-3" class="widget widget_text"><h2 class="widget-title">订阅</h2><div class="textwidget"><p>通过电子邮件订阅中国数字时代。</p></div></section>
	</aside>
	</div>
	<footer id="colophon" class="site-footer">
		<div class="site-info">&copy; 2025 中国数字时代 China Digital Times</div>
	</footer>
</div>
<script src='https://chinadigitaltimes.net/chinese/wp-content/themes/cdt/js/navigation.js'></script>
<script>window.addEventListener('load', function () {{ document.body.classList.add('loaded'); }});</script>
</body>
</html>
"""


def full_pages():
    seed = read_page("000_7bdf76efb00067fa.txt")
    iso = utc(seed["ms"]).astimezone(timezone(timedelta(hours=8))).isoformat()
    curl = shell(seed, 714996, seed["html"], iso, "2025年1月15日", ["中国", "网络"], ["小红书", "TikTok"])
    write("full-page/714996.html", curl)
    # "Webpage, Complete" by Chrome: `src` points at the saved copy (`srcset` and the lazy
    # attributes keep the original URL), the <noscript> markup is written as text, and a
    # "saved from" comment comes first.
    files = []

    def save(m):
        img = m.group(0)
        src = re.search(r' src="([^"]*)"', img).group(1)
        lazy = re.search(r' data-lazy-src="([^"]*)"', img)
        original = lazy.group(1) if lazy else src
        local = "714996_files/" + (original.rsplit("/", 1)[-1].rstrip(".") or "image")
        files.append(local)
        img = img.replace(f' src="{src}"', f' src="./{local}"', 1)
        if not lazy:
            img = img.replace("<img ", f'<img srcset="{original} 800w" ', 1)
        return img

    escaped = re.sub(r"<noscript>(.*?)</noscript>",
                     lambda m: "<noscript>" + html.escape(m.group(1), quote=False) + "</noscript>",
                     seed["html"])
    content = re.sub(r"<img [^>]*>", save, escaped)
    frame = '\n<iframe src="./714996_files/embed.html" width="1" height="1" class="wp-embedded-content"></iframe>'
    complete = shell(seed, 714996, content, iso, "2025年1月15日", ["中国", "网络"], ["小红书", "TikTok"],
                     head_extra="\n<link rel='stylesheet' href='./714996_files/style.css'>")
    complete = "<!-- saved from url=(0050)https://chinadigitaltimes.net/chinese/714996.html -->\n" + complete
    complete = complete.replace("https://chinadigitaltimes.net/chinese/wp-content/themes/cdt/js/navigation.js",
                                "./714996_files/navigation.js.下载")
    complete = complete.replace("</main>", frame + "\n</main>")
    write("complete/714996.html", complete)
    for local in sorted(set(files)):
        write("complete/" + local, "PNG (a stand-in for the saved image)\n")
    write("complete/714996_files/style.css", "body { font-family: serif }\n")
    write("complete/714996_files/navigation.js.下载", "document.body.classList.add('js');\n")
    local = {"headline": "只在本地的图片", "url": "https://chinadigitaltimes.net/chinese/715000.html"}
    body = ('<p>这张图片只存在于浏览器保存的文件夹里：</p>\n'
            '<p><img src="./local-only_files/pic.jpg" alt="本地图片"></p>')
    write("complete/local-only.html",
          shell(local, 715000, body, "2025-01-16T09:00:00+08:00", "2025年1月16日", ["中国"], []))
    write("complete/local-only_files/pic.jpg", "JPEG (a stand-in for the saved image)\n")
    write("complete/714996_files/embed.html",
          "<!DOCTYPE html><html><head><title>嵌入</title></head><body><p>嵌入的另一篇文章：这不是文章本身。</p></body></html>\n")


def main():
    wp_json()
    wrapped()
    rss()
    full_pages()


if __name__ == "__main__":
    main()
