"""features/assets"""
