#include <iostream>

#include "app/server_app.hpp"

POCO_SERVER_MAIN(orders::host::app::ServerApp)
