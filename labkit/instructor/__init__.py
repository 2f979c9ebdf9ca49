"""The instructor's side of a live class: preflight, one resource group per learner, the class's status.

Each module works in the three modes like the notebooks: its Azure calls go through a
:class:`labkit.lab.Lab`, so replay plays the recorded class (``recordings/instructor-*``), live acts
on the subscription, and record also saves the answers. Nothing here deletes or changes a resource
group that the lab has not tagged for the class (tags ``course`` and ``class``, ``lab`` = its name).
"""
