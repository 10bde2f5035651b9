"""features/imports"""
