"""SLA policies with business calendars, the clock each ticket carries, its timers and
the SLA report."""
