"""Search: places, weekly schedules, the search engine, shareable links and the plain words about hits."""
