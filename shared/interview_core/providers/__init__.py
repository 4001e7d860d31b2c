"""Providers sit behind small interfaces chosen by settings; heavy SDKs are imported only when chosen."""
