"""Articles and ratings: the community's library, searchable in chat and rated by its readers."""

from bot.articles.models import DISCLAIMER, Article, ArticleInput, RatingStats
from bot.articles.service import ArticleService

__all__ = ["DISCLAIMER", "Article", "ArticleInput", "ArticleService", "RatingStats"]
