"""features/reports"""
