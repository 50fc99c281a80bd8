"""Layout after the tree operations: articles in their final order and containers, numbering of
articles, chapters, paragraphs and items, and the law's own cross-references following the new
numbers. Kept apart from the operations (:mod:`diffs.amendments.apply`), which only edit the tree
and record where the decision pins things; this runs once, after all of them.
"""
from __future__ import annotations

from ..crossrefs import renumber_articles, renumber_paragraphs
from ..model import ARTICLE, ITEM, PARAGRAPH, STATUTE_CONTAINERS, Node, article_label, container_label
from ..numerals import int_to_cn
from .wording import punctuate_list, spans_of


class Layout:
    """Mixed into the apply work state, whose tables (pins, parent, fresh …) it reads."""

    def finish(self) -> list[str]:
        notes: list[str] = []
        order = self._article_order()
        self._place_articles(order)
        renumbered = self._number_articles(order, notes)
        self._number_containers(self.doc.root)
        for article in order:
            self._number_children(article)
        if renumbered:
            self._rewrite_cross_references(renumbered, notes)
        return notes

    def _article_order(self) -> list[Node]:
        in_tree = [n for n in self.doc.root.walk() if n.kind == ARTICLE]
        mains = [n for n in in_tree + self.pending if self._final_sub(n) == 0]
        subs = [n for n in in_tree + self.pending if self._final_sub(n) != 0]
        pinned = sorted((n for n in mains if self.st(n).pin is not None), key=lambda n: self.st(n).pin)
        free = [n for n in mains if self.st(n).pin is None]
        slots: list[Node | None] = [None] * len(mains)
        for node in pinned:
            k = self.st(node).pin[0] - 1
            if 0 <= k < len(slots) and slots[k] is None:
                slots[k] = node
            else:
                free.append(node)        # an impossible place: keep it, in reading order at the end
        it = iter(free)
        order = [s if s is not None else next(it) for s in slots]
        # 之一 articles follow their base: the base text's own ones the article they followed,
        # pinned ones the article that will carry that number.
        riders: dict[int, list[Node]] = {}
        leading: list[Node] = []
        previous: Node | None = None
        for node in in_tree:
            if self._final_sub(node) == 0:
                previous = node
            elif self.st(node).pin is None:
                (riders.setdefault(id(previous), []) if previous is not None else leading).append(node)
        out: list[Node] = list(leading)
        for main in order:
            out.append(main)
            out += riders.get(id(main), [])
        for sub in (s for s in subs if self.st(s).pin is not None):
            base = self.st(sub).pin[0]
            at = base if base <= len(order) else len(order)
            anchor = order[at - 1] if at else None
            i = position_of(out, anchor) + 1 if anchor is not None else len(out)
            while i < len(out) and self._final_sub(out[i]) and (self._final_sub(out[i]) < self.st(sub).pin[1]):
                i += 1
            out.insert(i, sub)
        return out

    def _final_sub(self, node: Node) -> int:
        return self.st(node).pin[1] if self.st(node).pin is not None else node.sub

    def _place_articles(self, order: list[Node]) -> None:
        """Put every article under its container in the final order (new ones join their predecessor's)."""
        home: dict[int, Node] = {}
        for i, article in enumerate(order):
            parent = None if any(article is p for p in self.pending) else self.st(article).parent
            if parent is None or self.st(parent).deleted:
                neighbour = order[i - 1] if i else (order[i + 1] if len(order) > 1 else None)
                parent = home.get(id(neighbour)) if neighbour is not None and id(neighbour) in home else \
                    (self.st(neighbour).parent if neighbour is not None else None)
                parent = parent if parent is not None and not self.st(parent).deleted else self.doc.root
            home[id(article)] = parent
        parents = {id(p): p for p in home.values()}
        slots: dict[int, int] = {}
        for p in parents.values():
            first = next((i for i, c in enumerate(p.children) if c.kind == ARTICLE), None)
            slots[id(p)] = first if first is not None else len([c for c in p.children
                                                                 if c.kind not in STATUTE_CONTAINERS])
            p.children = [c for c in p.children if c.kind != ARTICLE]
        for p in parents.values():
            mine = [a for a in order if home[id(a)] is p]
            at = min(slots[id(p)], len(p.children))
            p.children[at:at] = mine
            for a in mine:
                self.st(a).parent = p

    def _number_articles(self, order: list[Node], notes: list[str]) -> dict[tuple[int, int], tuple[int, int]]:
        mapping: dict[tuple[int, int], tuple[int, int]] = {}
        k = 0
        for article in order:
            sub = self._final_sub(article)
            if sub == 0:
                k += 1
            new = (k if sub == 0 else max(k, 1), sub)
            old = self.st(article).old_number
            if old is not None:
                mapping[old] = new
                if old != new and not self.st(article).explicit:
                    notes.append(f"{article_label(*old)}顺延为{article_label(*new)}（条文顺序相应调整）")
            article.num, article.sub, article.label = new[0], new[1], article_label(*new)
        for gone in self.absorbed:
            into = self.st(gone).absorbed_into
            mapping[self.st(gone).old_number] = (into.num or 0, into.sub)
        self.numbering = mapping
        return {old: new for old, new in mapping.items() if old != new}

    def _number_containers(self, node: Node, running: dict[str, int] | None = None) -> None:
        """Number 编/章/节 in reading order: 章 and 节 restart in each 编 / 章 unless the base text
        numbered them straight through (``running``: the counts shared by the whole text)."""
        running = {} if running is None else running
        local: dict[str, int] = {}
        children = node.children
        pinned = [c for c in children if c.kind in STATUTE_CONTAINERS and self.st(c).pin is not None]
        for c in pinned:
            # A renumbered chapter goes where its number puts it among its siblings.
            del children[position_of(children, c)]
            siblings = [i for i, s in enumerate(children) if s.kind == c.kind]
            want = self.st(c).pin[0] - 1
            at = siblings[want] if want < len(siblings) else len(children)
            children.insert(at, c)
        for child in children:
            if child.kind in STATUTE_CONTAINERS:
                counts = running if child.kind in self.continuous else local
                counts[child.kind] = counts.get(child.kind, 0) + 1
                if child.num != counts[child.kind]:
                    child.num = counts[child.kind]
                    if child.label:             # a heading printed without its number keeps none
                        child.label = container_label(child.kind, child.num)
                self._number_containers(child, running)

    def _number_children(self, article: Node) -> None:
        paragraphs = self._ordered([c for c in article.children if c.kind == PARAGRAPH])
        others = [c for c in article.children if c.kind != PARAGRAPH]
        article.children = paragraphs + others
        moved: dict[int, int] = {}
        for i, p in enumerate(paragraphs, 1):
            old = self.st(p).old_paragraph
            if old is not None and old != i:
                moved[old] = i
            p.num = i
            if self.st(p).touched or any(self.st(c).pin is not None for c in p.children):
                listed = self._ordered([c for c in p.children if c.kind == ITEM])
                p.children = listed + [c for c in p.children if c.kind != ITEM]
                for j, item in enumerate(listed, 1):
                    item.num, item.label = j, f"（{int_to_cn(j)}）"
                punctuate_list(listed)
        for node in article.walk():
            if moved and not self.st(node).fresh and node.text:
                node.text = renumber_paragraphs(node.text, moved)

    def _ordered(self, nodes: list[Node]) -> list[Node]:
        if not any(self.st(n).pin is not None for n in nodes):
            return nodes
        slots: list[Node | None] = [None] * len(nodes)
        free = [n for n in nodes if self.st(n).pin is None]
        for n in sorted((n for n in nodes if self.st(n).pin is not None), key=lambda n: self.st(n).pin):
            k = self.st(n).pin[0] - 1
            if 0 <= k < len(slots) and slots[k] is None:
                slots[k] = n
            else:
                free.append(n)
        it = iter(free)
        return [s if s is not None else next(it) for s in slots]

    def _rewrite_cross_references(self, mapping: dict[tuple[int, int], tuple[int, int]], notes: list[str]) -> None:
        def new_label(num: int, sub: int) -> str | None:
            new = mapping.get((num, sub))
            return article_label(*new) if new else None

        for node in self.doc.root.walk():
            if self.st(node).fresh or not node.text:
                continue
            # Wording a phrase op put in (将第八十四条中的“第八十七条”修改为“第九十条”) already counts in
            # the new numbering: references inside it stay as they are.
            keep = spans_of(node.text, self.st(node).inserted)
            new, changes = renumber_articles(node.text, new_label, keep)
            if changes:
                owner = self._article_of(node)
                notes.append(f"{owner.label if owner else ''}中的条文引用按新条号调整")
                node.text = new

    def _article_of(self, node: Node) -> Node | None:
        while node is not None and node.kind != ARTICLE:
            node = self.st(node).parent
        return node



def position_of(nodes: list[Node], node: Node) -> int:
    """Index of ``node`` itself: two provisions can read alike, so equality would find the wrong one."""
    return next(i for i, n in enumerate(nodes) if n is node)
