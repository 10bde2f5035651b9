"""features/alerts"""
