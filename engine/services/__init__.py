"""The decisions of the workflow, one module per concept: each event's declaration (``EventDef``), its
input model, its guards and its pure decision. ``catalog`` collects them; ``engine.workflow`` fires them."""
