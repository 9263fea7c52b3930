"""archiver: keep what news articles showed their readers from social media."""

__version__ = "0.1.0"
