"""The cost meter's recordings at the end of notebooks 00, 02 and 03 (04, 05 and 99 write their own)."""

from tools.handbuilt.cleanup import CLASS_OF_ONE, LAB_RESOURCES, cost_so_far, group


def build():
    cluster_only = LAB_RESOURCES[:1]
    # 00-setup: the resource group exists and the cluster's create has started; no node group yet.
    cost_so_far("00-setup", "2026-11-29T10:01:00+00:00", groups=(group("rg-student-k7q2"), CLASS_OF_ONE[2]),
                items=cluster_only)
    cost_so_far("02-deploy-aks", "2026-11-29T10:19:30+00:00", items=cluster_only)
    cost_so_far("03-publish-acr", "2026-11-29T10:34:10+00:00")
