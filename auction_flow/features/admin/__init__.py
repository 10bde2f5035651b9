"""features/admin"""
