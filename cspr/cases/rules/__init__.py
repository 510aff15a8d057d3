"""The statutory rules of the case, in one pure place (issue "One shape", item 3).

Nothing here writes, and nothing here imports a service, the state machine or a view: the state machine, the
visibility policy and the services import these rules, never the reverse. Each module is one body of rules:

- ``stages``: the named sets of case stages that allow each kind of edit or reading;
- ``regulation11``: the rapid review's criteria and circumstances to weigh, and when an answer needs reasons;
- ``eligibility``: whether an incident is notifiable and needs a rapid review;
- ``decision``: the partners' decision, the scrutineer's part and the majority;
- ``outcomes``: which stage each outcome of the decision and the Panel's response leads to;
- ``publication``: the 7-working-day rule before a local review is published.
"""
