{{ partial_update('youtube', 'followers') }}
