"""One way to cut a list into pages: the page a request asks for, and the links of GOV.UK's pagination component.

DESIGN.md rule 8: a page costs about the same whatever the number of records, so every list is bounded. A list
is counted with one COUNT in the database and read one page at a time (``PAGE_SIZE`` rows, sliced in SQL);
nothing beyond the page is loaded, let alone decrypted.

It lives in ``cspr.core`` because every app's lists use it (partnerships' people list as well as the case
lists), and an earlier app may not import a later one. ``web/_pagination.html`` renders it with
``govukPagination`` (https://design-system.service.gov.uk/components/pagination/): Previous and Next, numbered
pages with ellipses, a navigation landmark with its own label, and "Showing 1 to 50 of 3,998 cases".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50
"""Rows a list shows at once: enough to scan, few enough that a page stays trivial to build and send."""

# Pages either side of the current one that get a number of their own; the rest fold into an ellipsis.
_NEIGHBOURS = 1


@dataclass(frozen=True)
class ListPage[T]:
    """One page of a list, with what the template needs to show where the reader is and how to move on.

    Iterating gives the page's rows; ``bool()`` says whether the list has any at all (from the count, so no
    second query)."""

    page: Page[T]
    noun: str
    plural: str
    label: str
    previous: dict[str, str] | None = None
    next: dict[str, str] | None = None
    items: list[dict[str, Any]] = field(default_factory=list)

    def __iter__(self) -> Iterator[T]:
        return iter(self.page.object_list)

    def __bool__(self) -> bool:
        return self.count > 0

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def has_other_pages(self) -> bool:
        return self.page.has_other_pages()

    @property
    def start(self) -> int:
        return self.page.start_index()

    @property
    def end(self) -> int:
        return self.page.end_index()

    @property
    def showing(self) -> str:
        """ "Showing 1 to 50 of 3,998 cases", as the Design System's examples put it."""
        noun = self.noun if self.count == 1 else self.plural
        return f"Showing {self.start:,} to {self.end:,} of {self.count:,} {noun}"

    @property
    def params(self) -> dict[str, Any]:
        """The arguments of ``govukPagination``."""
        params: dict[str, Any] = {"items": self.items, "landmarkLabel": self.label}
        if self.previous:
            params["previous"] = self.previous
        if self.next:
            params["next"] = self.next
        return params


def page_number(raw: str | None, num_pages: int) -> int:
    """The page asked for, kept within the list: anything that is not a number is the first page, a number
    past either end the nearest end. An old or mistyped link still shows a page, never a 404 or an error."""
    try:
        number = int(str(raw).strip())
    except ValueError:
        return 1
    return max(1, min(number, num_pages))


def page_numbers(current: int, num_pages: int) -> list[int | None]:
    """The numbers to show: the first, the last, the current and its neighbours; ``None`` where an ellipsis
    stands for the pages between. A gap of a single page shows that page rather than an ellipsis for it."""
    wanted = sorted(
        {1, num_pages} | {n for n in range(current - _NEIGHBOURS, current + _NEIGHBOURS + 1) if 1 <= n <= num_pages}
    )
    shown: list[int | None] = []
    for number in wanted:
        last = shown[-1] if shown else None
        if last is not None and number - last == 2:
            shown.append(last + 1)
        elif last is not None and number - last > 2:
            shown.append(None)
        shown.append(number)
    return shown


def paginate[T](
    request: HttpRequest,
    rows: QuerySet[Any, T] | Sequence[T],
    *,
    noun: str,
    plural: str | None = None,
    label: str | None = None,
    param: str = "page",
    per_page: int = PAGE_SIZE,
) -> ListPage[T]:
    """The page of ``rows`` the request asks for in ``?<param>=``, and its links. ``noun`` names one row
    ("case"; ``plural`` when adding an "s" will not do); the landmark is "Pages of <plural>" unless ``label``.

    ``rows`` should be ordered (a stable order, with a unique last key, keeps a row from moving between pages).
    Each link keeps the rest of the query string, so a filtered list stays filtered and another list on the
    same page stays where it was; a page that shows more than one list gives each its own ``param`` and
    ``label`` (each navigation landmark needs a name of its own)."""
    paginator = Paginator(rows, per_page)
    page = paginator.page(page_number(request.GET.get(param), paginator.num_pages))

    def href(number: int) -> str:
        query = request.GET.copy()
        if number == 1:
            query.pop(param, None)
        else:
            query[param] = str(number)
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else request.path

    items: list[dict[str, Any]] = []
    if paginator.num_pages > 1:
        for number in page_numbers(page.number, paginator.num_pages):
            if number is None:
                items.append({"ellipsis": True})
            else:
                items.append({"number": number, "href": href(number), "current": number == page.number})
    plural = plural or f"{noun}s"
    return ListPage(
        page=page,
        noun=noun,
        plural=plural,
        label=label or f"Pages of {plural}",
        previous={"href": href(page.number - 1)} if page.has_previous() else None,
        next={"href": href(page.number + 1)} if page.has_next() else None,
        items=items,
    )
