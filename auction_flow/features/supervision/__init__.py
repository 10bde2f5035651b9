"""features/supervision"""
