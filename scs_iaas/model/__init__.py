"""The plain types every part of scs-iaas speaks: snapshot records and read errors, plan
actions with typed parameters, findings and the one status order. Depends on nothing of ours.
"""
