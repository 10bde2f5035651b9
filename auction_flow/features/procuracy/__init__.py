"""features/procuracy: decisions sent to the procuracy, its recommendations and protests"""
