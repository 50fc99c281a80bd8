"""One blueprint per page family."""
from .audit import bp as audit
from .changes import bp as changes
from .diff import bp as diff
from .documents import bp as documents
from .exports import bp as exports
from .feed import bp as feed
from .issues import bp as issues
from .reviews import bp as reviews
from .search import bp as search
from .subscriptions import bp as subscriptions

ALL_BLUEPRINTS = (changes, issues, documents, diff, audit, search, feed, exports, reviews, subscriptions)
