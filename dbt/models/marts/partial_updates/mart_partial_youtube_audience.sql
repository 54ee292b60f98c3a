{{ partial_update('youtube', 'audience') }}
