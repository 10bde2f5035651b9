"""features/complaints"""
